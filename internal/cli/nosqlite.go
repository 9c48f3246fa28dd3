package cli

// noSQLite is the refusal of an SQLite archive by a build without the
// SQLite engine (the function build, storage.HasSQLite). It lives apart
// from the catalogues in messages.go so the function build's one extra
// text stays beside the code that uses it.
func (m *messages) noSQLite() string {
	if m == en {
		return "this is the function build (scripts/release, -tags function), which has no SQLite: the archive (%q) must be a server database. Set the environment variable MAIPROBE_DB to postgres://… or mysql://… (docs/deploy.md); for an SQLite file use the full binary built by go build ./cmd/maiprobe"
	}
	return "这是函数版（scripts/release 构建，-tags function），不含 SQLite：存档（%q）必须是服务器数据库。请把环境变量 MAIPROBE_DB 设为 postgres://… 或 mysql://…（见 docs/deploy.md）；要用 SQLite 文件请使用 go build ./cmd/maiprobe 构建的完整版"
}
