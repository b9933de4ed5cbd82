"""Tables the deadline engine keeps: computed deadlines, their done/snoozed state, manual tasks."""
