//! pcx library root.
