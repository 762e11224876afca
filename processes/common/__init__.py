"""What every process shares: department-scoped assignment, deadlines, document and notification steps."""
