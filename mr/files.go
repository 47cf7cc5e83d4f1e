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
//	mr-M        intermediate pairs of map task M, in nReduce sections
//	mr-out-R    output of reduce task R: one "key value" line per key, sorted by key
//	mr-tmp-*    a file being written; renamed to its final name when complete
//
// An intermediate file holds section 0, section 1, ..., section nReduce-1
// (section R holds the pairs whose key belongs to reduce task R), then a
// footer of nReduce+1 little-endian uint64s: the end offset of each section
// and nReduce. One file per map task rather than one per (map, reduce) pair
// saves nMap×(nReduce-1) file creations and renames, which dominate a small
// job's system time. A section is a sequence of records uvarint(len key) key
// uvarint(len value) value: no escaping, any bytes allowed in keys and values.

func intermediateName(m int) string { return fmt.Sprintf("mr-%d", m) }

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

// appendKV appends one record to a section.
func appendKV(b []byte, kv KeyValue) []byte {
	b = binary.AppendUvarint(b, uint64(len(kv.Key)))
	b = append(b, kv.Key...)
	b = binary.AppendUvarint(b, uint64(len(kv.Value)))
	return append(b, kv.Value...)
}

// writeSections writes an intermediate file's sections and footer.
func writeSections(w *bufio.Writer, sections [][]byte) error {
	var end uint64
	for _, sec := range sections {
		if _, err := w.Write(sec); err != nil {
			return err
		}
	}
	footer := make([]byte, 0, 8*(len(sections)+1))
	for _, sec := range sections {
		end += uint64(len(sec))
		footer = binary.LittleEndian.AppendUint64(footer, end)
	}
	footer = binary.LittleEndian.AppendUint64(footer, uint64(len(sections)))
	_, err := w.Write(footer)
	return err
}

// readSection returns section r of the intermediate file name, which must
// have nReduce sections.
func readSection(name string, r, nReduce int) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	footerLen := int64(8 * (nReduce + 1))
	if st.Size() < footerLen {
		return nil, fmt.Errorf("%s: %w: shorter than its footer", name, errCorrupt)
	}
	footer := make([]byte, footerLen)
	if _, err := f.ReadAt(footer, st.Size()-footerLen); err != nil {
		return nil, fmt.Errorf("%s: read footer: %w", name, err)
	}
	if n := binary.LittleEndian.Uint64(footer[8*nReduce:]); n != uint64(nReduce) {
		return nil, fmt.Errorf("%s: %w: has %d sections, want %d", name, errCorrupt, n, nReduce)
	}
	var start uint64
	if r > 0 {
		start = binary.LittleEndian.Uint64(footer[8*(r-1):])
	}
	end := binary.LittleEndian.Uint64(footer[8*r:])
	if start > end || end > uint64(st.Size()-footerLen) {
		return nil, fmt.Errorf("%s: %w: section %d spans [%d, %d)", name, errCorrupt, r, start, end)
	}
	data := make([]byte, end-start)
	if _, err := f.ReadAt(data, int64(start)); err != nil {
		return nil, fmt.Errorf("%s: read section %d: %w", name, r, err)
	}
	return data, nil
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
