-- A fresh archive has one player, "default", for people who track only themselves.
INSERT INTO players (name, created_at) VALUES ('default', CURRENT_TIMESTAMP);
