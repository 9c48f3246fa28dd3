package cli

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/storage"
)

// Function platforms maiprobe knows, as detectPlatform names them.
const (
	platformLambda = "AWS Lambda"
	platformSCF    = "Tencent SCF"
)

// detectPlatform names the function platform the process runs on, from
// the variables the platform itself sets, or gives "" off any platform.
// Lambda sets AWS_LAMBDA_RUNTIME_API (custom runtimes) and
// AWS_LAMBDA_FUNCTION_NAME (every runtime); SCF sets
// TENCENTCLOUD_RUNENV=SCF and reserves the SCF_ prefix for its own
// (SCF_RUNTIME, SCF_FUNCTIONNAME, …); its Go1 event runtime starts the
// binary with _LAMBDA_SERVER_PORT and may pass the rest with the first
// call (serve_function.go).
func detectPlatform(getenv func(string) string) string {
	switch {
	case getenv("AWS_LAMBDA_RUNTIME_API") != "", getenv("AWS_LAMBDA_FUNCTION_NAME") != "":
		return platformLambda
	case strings.EqualFold(getenv("TENCENTCLOUD_RUNENV"), "SCF"),
		getenv("SCF_RUNTIME") != "", getenv("SCF_FUNCTIONNAME") != "", getenv("_LAMBDA_SERVER_PORT") != "":
		return platformSCF
	}
	return ""
}

// functionPool is the connection pool of a function instance. A platform
// runs as many instances as the traffic needs, each handling one request
// (Lambda) or a few (an SCF web function) at a time, and freezes idle ones
// without closing their connections: a server pool of each would exhaust
// the database's max_connections. A frozen instance's expired connections
// are closed when it thaws, before any is used again.
var functionPool = storage.Pool{
	MaxOpen:     4,
	MaxIdle:     2,
	MaxLifetime: 5 * time.Minute,
	MaxIdleTime: time.Minute,
}

// platformArchive checks, on a function platform, that the archive can
// keep its data there: a function's disk is thrown away with its instance,
// so an SQLite archive on it would lose every import without a word. It
// is refused unless MAIPROBE_ALLOW_EPHEMERAL_SQLITE says the file is on
// lasting storage (an EFS or CFS mount) or that losing it is fine (a
// demo). The archive must then be set in MAIPROBE_DB: the default
// maiprobe.db would land in the function's read-only code folder.
//
// The function build has no SQLite engine at all (storage.HasSQLite): it
// refuses any SQLite archive, on a platform or off it (a release binary
// run by hand), and MAIPROBE_ALLOW_EPHEMERAL_SQLITE cannot force one.
func (c *runCtx) platformArchive() error {
	if storage.IsServer(c.cfg.DB) {
		return nil
	}
	if !storage.HasSQLite {
		return fmt.Errorf(c.msg.noSQLite(), c.cfg.DB)
	}
	if c.platform == "" {
		return nil
	}
	if force, _ := strconv.ParseBool(c.Getenv("MAIPROBE_ALLOW_EPHEMERAL_SQLITE")); force && c.Getenv("MAIPROBE_DB") != "" {
		return nil
	}
	return fmt.Errorf(c.msg.platformSQLite, c.platform, c.cfg.DB)
}

// platformFlags refuses command-line flags on a function platform: there
// the command line is fixed by the platform (Lambda runs bootstrap with
// none), so every setting lives in the function's environment variables,
// where the console shows it and where promoting a build from test to
// prod changes it, never in a bootstrap script.
func (c *runCtx) platformFlags(fs *flag.FlagSet) error {
	if c.platform == "" {
		return nil
	}
	var set []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "help" && f.Name != "h" {
			set = append(set, "--"+f.Name)
		}
	})
	if len(set) == 0 {
		return nil
	}
	return fmt.Errorf(c.msg.platformFlags, c.platform, strings.Join(set, " "))
}
