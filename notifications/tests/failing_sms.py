from notifications.sms import BaseSMSBackend


class GatewayDown(BaseSMSBackend):
    def send(self, *, phone: str, text: str) -> None:
        raise ConnectionError("SMS gateway unreachable")
