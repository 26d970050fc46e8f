//go:build unix

package xmltree

import (
	"io"
	"io/fs"
	"syscall"
)

// fdFile reads a file through its descriptor. Batch validation opens
// thousands of files: unlike os.Open this costs no poller registration
// (a failing epoll_ctl per regular file on Linux) and no finalizer.
type fdFile struct {
	fd   int
	name string
}

// Read reads from the file; io.EOF at its end.
func (f *fdFile) Read(p []byte) (int, error) {
	for {
		n, err := syscall.Read(f.fd, p)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return 0, &fs.PathError{Op: "read", Path: f.name, Err: err}
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// Close closes the descriptor.
func (f *fdFile) Close() error { return syscall.Close(f.fd) }

// openRead opens the named file for reading and tells what it is.
func openRead(name string) (io.ReadCloser, fileInfo, error) {
	var fd int
	for {
		var err error
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == nil {
			break
		}
		if err != syscall.EINTR {
			return nil, fileInfo{}, &fs.PathError{Op: "open", Path: name, Err: err}
		}
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return nil, fileInfo{}, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	typ := st.Mode & syscall.S_IFMT
	return &fdFile{fd, name}, fileInfo{dir: typ == syscall.S_IFDIR, regular: typ == syscall.S_IFREG, size: st.Size}, nil
}
