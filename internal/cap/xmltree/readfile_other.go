//go:build !unix

package xmltree

import (
	"io"
	"os"
)

// openRead opens the named file for reading and tells what it is.
func openRead(name string) (io.ReadCloser, fileInfo, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fileInfo{}, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fileInfo{}, err
	}
	return f, fileInfo{dir: st.IsDir(), regular: st.Mode().IsRegular(), size: st.Size()}, nil
}
