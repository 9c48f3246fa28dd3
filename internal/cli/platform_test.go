package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDetectPlatform(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{nil, ""},
		{map[string]string{"HOME": "/root", "AWS_REGION": "us-east-1"}, ""},
		{map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"}, platformLambda},
		{map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "maiprobe"}, platformLambda},
		{map[string]string{"TENCENTCLOUD_RUNENV": "SCF"}, platformSCF},
		{map[string]string{"SCF_RUNTIME": "custom"}, platformSCF},
		{map[string]string{"SCF_FUNCTIONNAME": "maiprobe"}, platformSCF},
		{map[string]string{"_LAMBDA_SERVER_PORT": "9001"}, platformSCF},
		{map[string]string{"TENCENTCLOUD_RUNENV": "CVM"}, ""},
	} {
		if got := detectPlatform(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("detectPlatform(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

// runFor is run with a deadline, for commands that would serve for ever
// if the guard under test let them start.
func runFor(t *testing.T, env map[string]string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	code := Run(ctx, args, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out,
		Getenv: func(k string) string { return env[k] }})
	return code, out.String()
}

// TestPlatformRefusesEphemeralSQLite: on a function platform an SQLite
// archive (the default one, or one set in MAIPROBE_DB) is refused before
// any file is made, unless MAIPROBE_ALLOW_EPHEMERAL_SQLITE=1 comes with an
// explicit MAIPROBE_DB.
func TestPlatformRefusesEphemeralSQLite(t *testing.T) {
	record, err := filepath.Abs(page("record-cn-mixed.html"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	file := filepath.Join(dir, "tmp-archive.db")
	platforms := []map[string]string{
		{"AWS_LAMBDA_FUNCTION_NAME": "maiprobe", "MAIPROBE_LANG": "en"},
		{"TENCENTCLOUD_RUNENV": "SCF", "SCF_RUNTIME": "custom", "MAIPROBE_LANG": "en"},
	}
	for _, p := range platforms {
		with := func(kv ...string) map[string]string {
			env := map[string]string{}
			for k, v := range p {
				env[k] = v
			}
			for i := 0; i < len(kv); i += 2 {
				env[kv[i]] = kv[i+1]
			}
			return env
		}
		for _, tc := range []struct {
			name string
			env  map[string]string
			args []string
		}{
			{"default archive", with(), []string{"status"}},
			{"file in MAIPROBE_DB", with("MAIPROBE_DB", file), []string{"status"}},
			{"forced without MAIPROBE_DB", with("MAIPROBE_ALLOW_EPHEMERAL_SQLITE", "1"), []string{"status"}},
			{"forced with a false value", with("MAIPROBE_DB", file, "MAIPROBE_ALLOW_EPHEMERAL_SQLITE", "0"), []string{"status"}},
			{"serve", with("MAIPROBE_DB", file, "MAIPROBE_ADDR", "127.0.0.1:0"), []string{"serve"}},
			{"migrate", with("MAIPROBE_DB", file), []string{"migrate"}},
			{"import", with("MAIPROBE_DB", file), []string{"import", record}},
		} {
			code, out := runFor(t, tc.env, tc.args...)
			if code != exitFail || !strings.Contains(out, "cannot be an SQLite file") || !strings.Contains(out, "MAIPROBE_ALLOW_EPHEMERAL_SQLITE") {
				t.Errorf("%v, %s: exit %d, want 1 refusing SQLite:\n%s", p, tc.name, code, out)
			}
			for _, f := range []string{file, filepath.Join(dir, DefaultDB)} {
				if _, err := os.Stat(f); err == nil {
					t.Fatalf("%v, %s: %s was created", p, tc.name, f)
				}
			}
		}
		// Forced, with the file named: it works (an EFS or CFS mount, a demo).
		code, out := runFor(t, with("MAIPROBE_DB", file, "MAIPROBE_ALLOW_EPHEMERAL_SQLITE", "1"), "status")
		if code != exitOK {
			t.Errorf("%v forced: exit %d:\n%s", p, code, out)
		}
		if _, err := os.Stat(file); err != nil {
			t.Errorf("%v forced: %v", p, err)
		}
		os.Remove(file)
	}
	// Off a platform the same SQLite file is the ordinary archive.
	if code, out := runFor(t, map[string]string{"MAIPROBE_DB": file}, "status"); code != exitOK {
		t.Errorf("off a platform: exit %d:\n%s", code, out)
	}
}

// TestPlatformEnvironmentOnly: on a function platform every setting comes
// from the environment; a flag is refused (naming it), before anything
// is opened, while --help still answers.
func TestPlatformEnvironmentOnly(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.db")
	lambda := map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:1", "MAIPROBE_LANG": "en",
		"MAIPROBE_DB": file, "MAIPROBE_ALLOW_EPHEMERAL_SQLITE": "1"}
	for _, args := range [][]string{
		{"status", "--db", filepath.Join(dir, "b.db")},
		{"--player", "mai", "status"},
		{"migrate", "--player=mai"},
		{"serve", "--addr", "127.0.0.1:0"},
		{"--https-redirect"},
	} {
		code, out := runFor(t, lambda, args...)
		if code != exitUsage || !strings.Contains(out, "environment only") || !strings.Contains(out, args[slicesIndexFlag(args)]) {
			t.Errorf("%v on Lambda: exit %d, want 2 refusing the flag:\n%s", args, code, out)
		}
	}
	for _, f := range []string{file, filepath.Join(dir, "b.db")} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s was opened although the command was refused", f)
		}
	}
	if code, out := runFor(t, lambda, "status"); code != exitOK || !strings.Contains(out, file) {
		t.Errorf("status from the environment on Lambda: exit %d:\n%s", code, out)
	}
	if code, out := runFor(t, lambda, "migrate", "--help"); code != exitOK || !strings.Contains(out, "migrate") {
		t.Errorf("migrate --help on Lambda: exit %d:\n%s", code, out)
	}
	// Off a platform flags work as ever.
	if code, out := runFor(t, map[string]string{"MAIPROBE_LANG": "en"}, "status", "--db", filepath.Join(dir, "c.db")); code != exitOK {
		t.Errorf("status --db off a platform: exit %d:\n%s", code, out)
	}
}

// slicesIndexFlag is the index of the first flag in args, with its value
// cut at "=" the way the refusal names it.
func slicesIndexFlag(args []string) int {
	for i, a := range args {
		if strings.HasPrefix(a, "--") {
			if j := strings.Index(a, "="); j > 0 {
				args[i] = a[:j]
			}
			return i
		}
	}
	return 0
}
