"""Pages of plain words that editors keep, in every language: what happens to a victim's information
if they tell the police, and ways to get help without going to a police station."""
