-- Accounts for the web app. A user logs in with a password; user_players
-- says which players a user owns (one user may own several players, and a
-- player may later be shared). Sessions keep only a hash of their token.

CREATE TABLE users (
    id            {{id}},
    name          {{key}} NOT NULL,
    password_hash {{text}} NOT NULL,
    created_at    {{time}} NOT NULL,
    CONSTRAINT users_name UNIQUE (name)
){{table}};

CREATE TABLE user_players (
    id        {{id}},
    user_id   BIGINT NOT NULL,
    player_id BIGINT NOT NULL,
    CONSTRAINT user_players_pair UNIQUE (user_id, player_id),
    FOREIGN KEY (user_id) REFERENCES users (id),
    FOREIGN KEY (player_id) REFERENCES players (id)
){{table}};

-- Whether anyone may view a player's pages; private until the owner says so.
CREATE TABLE player_settings (
    id        {{id}},
    player_id BIGINT NOT NULL,
    is_public SMALLINT NOT NULL,
    CONSTRAINT player_settings_player UNIQUE (player_id),
    FOREIGN KEY (player_id) REFERENCES players (id)
){{table}};

CREATE TABLE sessions (
    id         {{id}},
    token_hash {{short}} NOT NULL,
    user_id    BIGINT NOT NULL,
    csrf_token {{short}} NOT NULL,
    created_at {{time}} NOT NULL,
    expires_at {{time}} NOT NULL,
    CONSTRAINT sessions_token UNIQUE (token_hash),
    FOREIGN KEY (user_id) REFERENCES users (id)
){{table}};

CREATE INDEX sessions_expiry ON sessions (expires_at);
