"""The crisis pathway ("Aku butuh bicara sekarang"): see `counseling.crisis.services`."""
