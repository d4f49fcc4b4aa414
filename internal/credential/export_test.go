package credential

// DueReminder exposes dueReminder to the tests.
var DueReminder = dueReminder
