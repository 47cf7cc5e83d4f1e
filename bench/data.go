package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// dataDir returns test_data of the upstream module in the module cache.
func dataDir() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/anishathalye/porcupine").Output()
	if err != nil {
		return "", fmt.Errorf("locate github.com/anishathalye/porcupine with go list: %w", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "test_data")
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("upstream test data: %w", err)
	}
	return dir, nil
}

// etcdLinearizable lists the etcd logs that are linearizable (per upstream's
// own tests); the other non-empty ones are not.
var etcdLinearizable = map[int]bool{
	2: true, 5: true, 7: true, 18: true, 25: true, 31: true, 38: true, 45: true, 48: true, 49: true,
	51: true, 53: true, 56: true, 67: true, 75: true, 76: true, 80: true, 87: true, 92: true, 98: true,
	100: true, 101: true, 102: true,
}

// rawOp is one operation read from a log, independent of either library:
// call and ret are positions in the log's event order (ret = -1: never
// returned).
type rawOp struct {
	client    int
	call, ret int64
	input     interface{}
	output    interface{}
}

// etcdIn and etcdOut are the operations of the Jepsen etcd register.
type etcdIn struct {
	op   uint8 // 0 read, 1 write, 2 cas
	a, b int   // write value; cas from, to
}

type etcdOut struct {
	ok     bool // cas succeeded
	exists bool // read found a value
	value  int  // read's value
}

var (
	jepsenLine = regexp.MustCompile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(.*)$`)
	casArgs    = regexp.MustCompile(`^\[(\d+)\s+(\d+)\]$`)
)

// parseEtcd reads a Jepsen etcd log. :ok returns; :fail means the operation
// did not happen (a failed cas returns ok=false; a failed read or write is
// dropped), :info means it may or may not have happened (pending).
func parseEtcd(path string) ([]rawOp, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ops []rawOp
	open := map[int]int{} // process -> index in ops
	drop := map[int]bool{}
	pos := int64(0)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		m := jepsenLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		proc, _ := strconv.Atoi(m[1])
		kind, f, val := m[2], m[3], strings.TrimSpace(m[4])
		if kind == "invoke" {
			in := etcdIn{}
			switch f {
			case "write":
				in.op = 1
				in.a, err = strconv.Atoi(val)
			case "cas":
				in.op = 2
				c := casArgs.FindStringSubmatch(val)
				if c == nil {
					return nil, fmt.Errorf("%s:%d: cas arguments %q, want [from to]", path, line, val)
				}
				in.a, _ = strconv.Atoi(c[1])
				in.b, _ = strconv.Atoi(c[2])
			}
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
			open[proc] = len(ops)
			ops = append(ops, rawOp{client: proc, call: pos, ret: -1, input: in})
			pos++
			continue
		}
		i, ok := open[proc]
		if !ok {
			return nil, fmt.Errorf("%s:%d: %s by process %d with no invocation", path, line, kind, proc)
		}
		delete(open, proc)
		switch kind {
		case "info":
			continue // pending
		case "fail":
			if f != "cas" {
				drop[i] = true
				continue
			}
			ops[i].output = etcdOut{ok: false}
		case "ok":
			out := etcdOut{ok: true}
			if f == "read" && val != "nil" {
				out.exists = true
				out.value, err = strconv.Atoi(val)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: read value: %w", path, line, err)
				}
			}
			ops[i].output = out
		}
		ops[i].ret = pos
		pos++
	}
	var kept []rawOp
	for i, op := range ops {
		if !drop[i] {
			kept = append(kept, op)
		}
	}
	return kept, sc.Err()
}

// kvIn and kvOut are the key/value operations of the kv logs.
type kvIn struct {
	op         uint8 // 0 get, 1 put, 2 append
	key, value string
}

type kvOut struct{ value string }

var kvLine = regexp.MustCompile(`^\{:process (\d+), :type :(invoke|ok), :f :(get|put|append), :key "([^"]*)", :value (nil|"[^"]*")\}$`)

// parseKv reads a kv log of EDN maps, one event a line.
func parseKv(path string) ([]rawOp, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ops []rawOp
	open := map[int]int{}
	pos := int64(0)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		m := kvLine.FindStringSubmatch(sc.Text())
		if m == nil {
			return nil, fmt.Errorf("%s:%d: not a kv event: %q", path, line, sc.Text())
		}
		proc, _ := strconv.Atoi(m[1])
		val := strings.Trim(m[5], `"`)
		if m[2] == "invoke" {
			in := kvIn{key: m[4], value: val}
			switch m[3] {
			case "put":
				in.op = 1
			case "append":
				in.op = 2
			}
			open[proc] = len(ops)
			ops = append(ops, rawOp{client: proc, call: pos, ret: -1, input: in})
			pos++
			continue
		}
		i, ok := open[proc]
		if !ok {
			return nil, fmt.Errorf("%s:%d: return by process %d with no invocation", path, line, proc)
		}
		delete(open, proc)
		ops[i].output = kvOut{value: val}
		ops[i].ret = pos
		pos++
	}
	return ops, sc.Err()
}
