-- Case ownership between sites (docs/SYNC.md, "Ownership"): the branch of the organisation a
-- site runs (its org unit code, `BR-EC`), so that the online channel hands the complaints it
-- routes to a branch over to that branch's site.
ALTER TABLE sites ADD COLUMN branch_code TEXT UNIQUE;
