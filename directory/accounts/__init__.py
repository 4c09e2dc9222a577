"""Staff and officer accounts: passwords, roles, sign-in checks. No Flask."""
