"""How long a counselee's records are kept, and their erasure by crypto-shredding.

- `models`: the school lifecycle (`SchoolStatus`), each counselee's data key (`DataKey`),
  legal holds and the tombstone an erasure leaves (`Erasure`);
- `schedule`: when a counselee's records fall due, from `AMANAH_RETENTION_YEARS`;
- `services`: setting the lifecycle, holds (a second person confirms), erasure;
- `migration`: moving content written under the master key to data keys.
"""
