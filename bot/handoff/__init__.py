"""Questions handed off to the Kulturbüro: who gets them, what they read, weekly reminders."""
