"""The officer's referral pathway: the rule engine, the rulebook, matching services, support cards,
shortlists and referral counts. No Flask."""
