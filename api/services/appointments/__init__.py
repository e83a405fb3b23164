"""Hall appointments, the calendar, queue tickets."""
