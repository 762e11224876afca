def inbox(request):
    return {}
