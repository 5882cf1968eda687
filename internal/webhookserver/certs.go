package webhookserver

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"
)

// certReloader holds the serving certificate and reads the files again
// when they change. Each TLS handshake stats both files (two stat calls,
// no read); when either differs from the files the certificate was loaded
// from (another file at the path, as a Kubernetes secret volume swaps it
// in, or a new size or modification time, as a rewrite in place leaves
// it), the pair is loaded again. A pair that does not load (a rotation
// caught half way, the certificate new and the key still old) keeps the
// previous certificate in service and is tried again when the files change
// once more.
type certReloader struct {
	certFile, keyFile string
	onReload          func(*tls.Certificate)
	onError           func(error)

	mu   sync.Mutex
	cert *tls.Certificate
	// loaded is the state of the files the certificate came from;
	// failed is the state of the last pair that did not load.
	loaded, failed filePair
	// statErr is the last stat error reported, so that a file missing
	// for a while is reported once, not on every handshake.
	statErr string
}

// filePair is the state of the two files, as stat sees it.
type filePair struct {
	cert, key os.FileInfo
}

// same reports whether a and b are the same files, unchanged.
func (a filePair) same(b filePair) bool {
	return sameFile(a.cert, b.cert) && sameFile(a.key, b.key)
}

func sameFile(a, b os.FileInfo) bool {
	if a == nil || b == nil {
		return a == b
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// newCertReloader loads the pair once: an error here is a start failure.
func newCertReloader(certFile, keyFile string, onReload func(*tls.Certificate), onError func(error)) (*certReloader, error) {
	if certFile == "" || keyFile == "" {
		return nil, errors.New("a certificate file and a key file are required")
	}
	c := &certReloader{certFile: certFile, keyFile: keyFile, onReload: onReload, onError: onError}
	st, err := c.stat()
	if err != nil {
		return nil, err
	}
	cert, err := c.load()
	if err != nil {
		return nil, err
	}
	c.cert, c.loaded = cert, st
	return c, nil
}

// stat is the state of both files now.
func (c *certReloader) stat() (filePair, error) {
	cs, err := os.Stat(c.certFile)
	if err != nil {
		return filePair{}, fmt.Errorf("certificate %s: %w", c.certFile, pathless(err))
	}
	ks, err := os.Stat(c.keyFile)
	if err != nil {
		return filePair{}, fmt.Errorf("key %s: %w", c.keyFile, pathless(err))
	}
	return filePair{cs, ks}, nil
}

// pathless is the reason of a path error, without the path and the
// operation (the message names the file already).
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// load reads and checks the pair: it must parse, match, and the leaf must
// be valid now.
func (c *certReloader) load() (*tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return nil, fmt.Errorf("certificate %s and key %s: %w", c.certFile, c.keyFile, err)
	}
	leaf := cert.Leaf
	if leaf == nil {
		if leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return nil, fmt.Errorf("certificate %s: %w", c.certFile, err)
		}
		cert.Leaf = leaf
	}
	if now := time.Now(); now.After(leaf.NotAfter) {
		return nil, fmt.Errorf("certificate %s expired at %s", c.certFile, leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	return &cert, nil
}

// leaf is the certificate in service, parsed.
func (c *certReloader) leaf() *x509.Certificate {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cert.Leaf
}

// getCertificate is tls.Config.GetCertificate: the certificate the files
// hold now, or the previous one while they do not load.
func (c *certReloader) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.check()
	return c.cert, nil
}

// check reloads the pair when the files changed; c.mu is held.
func (c *certReloader) check() {
	st, err := c.stat()
	if err != nil {
		// A file missing for a moment (a rename in progress): keep
		// serving, report it once.
		if msg := err.Error(); msg != c.statErr {
			c.statErr = msg
			c.onError(err)
		}
		return
	}
	c.statErr = ""
	if st.same(c.loaded) || st.same(c.failed) {
		return
	}
	cert, err := c.load()
	if err != nil {
		c.failed = st
		c.onError(err)
		return
	}
	c.cert, c.loaded, c.failed = cert, st, filePair{}
	c.onReload(cert)
}
