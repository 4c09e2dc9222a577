"""Open Referral HSDS in and out: data packages, HSDS JSON, the API's records and queries,
imports with history and exports. No Flask."""
