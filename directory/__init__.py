"""The directory: its models and access conditions, the domain in feature packages, and the web layer.

listings/ a service and its parts; exchange/ Open Referral in and out; places/ where things are;
pathway/ the officer's referral pathway; accounts/ staff accounts; web/ Flask only.
"""
