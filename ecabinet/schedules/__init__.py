"""The leaders' weekly work schedule (lịch công tác tuần) and calendar feeds (iCalendar)."""
