"""Readers' comments and trackbacks: the form, its defences, moderation and notifications."""
