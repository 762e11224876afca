"""Accounts (账户): the user model shared by staff (工作人员) and subjects' portal users."""
