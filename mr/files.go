package mr

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File layout of a job, all in one directory:
//
//	mr-M-R      intermediate pairs of map task M for reduce task R
//	mr-out-R    output of reduce task R: one "key value" line per key, sorted by key
//	mr-tmp-*    a file being written; renamed to its final name when complete
//
// Intermediate files are a sequence of records uvarint(len key) key
// uvarint(len value) value: no escaping, no per-pair allocation beyond the
// strings themselves, and any bytes allowed in keys and values.

func intermediateName(m, r int) string { return fmt.Sprintf("mr-%d-%d", m, r) }

// OutputName is the name of reduce task r's output file.
func OutputName(r int) string { return fmt.Sprintf("mr-out-%d", r) }

// atomicFile is a file written under a temporary name and renamed into place
// by commit, so that no reader ever sees it half-written, and a writer that
// dies leaves only an mr-tmp-* file behind.
type atomicFile struct {
	f    *os.File
	w    *bufio.Writer
	path string
}

func createAtomic(dir, name string) (*atomicFile, error) {
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "mr-tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create temporary file for %s: %w", name, err)
	}
	return &atomicFile{f: f, w: bufio.NewWriterSize(f, 64<<10), path: filepath.Join(dir, name)}, nil
}

// commit flushes, closes and renames the file to its final name.
func (a *atomicFile) commit() error {
	err := a.w.Flush()
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.f.Name(), a.path)
	}
	if err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w", a.path, err)
	}
	return nil
}

// writeLine appends an output line "key value\n".
func (a *atomicFile) writeLine(key, value string) error {
	a.w.WriteString(key)
	a.w.WriteByte(' ')
	a.w.WriteString(value)
	_, err := a.w.WriteString("\n")
	return err
}

// abort discards the file.
func (a *atomicFile) abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}

// writeKV appends one record to an intermediate file.
func writeKV(w *bufio.Writer, kv KeyValue) {
	var buf [binary.MaxVarintLen64]byte
	w.Write(buf[:binary.PutUvarint(buf[:], uint64(len(kv.Key)))])
	w.WriteString(kv.Key)
	w.Write(buf[:binary.PutUvarint(buf[:], uint64(len(kv.Value)))])
	w.WriteString(kv.Value)
}

var errCorrupt = errors.New("corrupt intermediate file")

// decodeKVs appends the records of an intermediate file's contents to kvs.
// Keys and values are substrings of data, so the file costs one allocation.
func decodeKVs(data string, kvs []KeyValue) ([]KeyValue, error) {
	for len(data) > 0 {
		var k, v string
		var ok bool
		if k, data, ok = cutField(data); !ok {
			return kvs, errCorrupt
		}
		if v, data, ok = cutField(data); !ok {
			return kvs, errCorrupt
		}
		kvs = append(kvs, KeyValue{k, v})
	}
	return kvs, nil
}

// cutField splits a uvarint-length-prefixed string off the front of s.
func cutField(s string) (field, rest string, ok bool) {
	var n uint64
	for shift, i := uint(0), 0; ; shift, i = shift+7, i+1 {
		if i >= len(s) || shift > 63 {
			return "", s, false
		}
		b := s[i]
		n |= uint64(b&0x7f) << shift
		if b < 0x80 {
			s = s[i+1:]
			break
		}
	}
	if n > uint64(len(s)) {
		return "", s, false
	}
	return s[:n], s[n:], true
}
