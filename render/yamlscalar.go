package render

import (
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// plainSafe reports whether s is certainly written plain by yaml.v3 and
// read back as the same string: it starts with a letter, '/' or '_' (no
// number, boolean, null or timestamp does, and the words that are
// booleans or null are yaml11Special), and holds only ASCII letters,
// digits, and punctuation that is not an indicator where it stands. It
// may say false for a string yaml.v3 writes plain: encodedScalar asks the
// encoder then.
func plainSafe[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	if c := s[0]; !isLetter(c) && c != '/' && c != '_' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case plainByte[c]:
		case c == ':' || c == ' ':
			// ": " and " #" are indicators, and so is a final ':' or a
			// final space.
			if i+1 == len(s) || c == ':' && s[i+1] == ' ' || c == ' ' && s[i+1] == '#' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// plainByte holds what plainSafe accepts after the first character
// anywhere: letters, digits, and punctuation that is no indicator there.
var plainByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isLetter(byte(c)) || c >= '0' && c <= '9' || strings.IndexByte("-._/=+~%@()$[]{},", byte(c)) >= 0
	}
	return t
}()

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// encoded remembers what the encoder wrote for a string (quantities such
// as "1" and 4Gi, which start with a digit, recur in every render); it
// holds at most maxEncoded short strings.
var encoded struct {
	sync.RWMutex
	m map[string][]byte
}

const (
	maxEncoded    = 4096
	maxEncodedLen = 256
)

// encodedScalar is a single-line string s as yaml.v3 writes a string scalar with the styles of
// styleForYAML, without its final line break.
func encodedScalar[T string | []byte](str T) []byte {
	encoded.RLock()
	b, ok := encoded.m[string(str)]
	encoded.RUnlock()
	if ok {
		return b
	}
	s := string(str)
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	styleForYAML(n)
	out, err := yaml.Marshal(n)
	if err != nil {
		// Not reached: the string came from encoding/json, valid UTF-8.
		out = []byte(`""` + "\n")
	}
	out = out[:len(out)-1]
	if len(s) <= maxEncodedLen {
		encoded.Lock()
		if encoded.m == nil {
			encoded.m = make(map[string][]byte)
		}
		if len(encoded.m) < maxEncoded {
			encoded.m[s] = out
		}
		encoded.Unlock()
	}
	return out
}
