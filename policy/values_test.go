package policy

import (
	"math/rand"
	"strconv"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
)

// TestQuantityFloatFastPath checks quantityFloat's whole-thousandths path
// against the exact decimal it stands for, on generated quantities of
// every suffix, and near the 2^53 edge.
func TestQuantityFloatFastPath(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	suffixes := []string{"", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "e3", "e-2", "E-7"}
	texts := []string{"9007199254740.991", "9007199254740.993", "9007199254740992m", "-9007199254740993m", "0.0005", "1.0001", "700m"}
	for range 20000 {
		mantissa := strconv.FormatInt(rnd.Int63n(1<<uint(rnd.Intn(62)+1)), 10)
		if rnd.Intn(3) == 0 {
			k := rnd.Intn(len(mantissa) + 1)
			mantissa = mantissa[:k] + "." + mantissa[k:] + "0"
		}
		if rnd.Intn(4) == 0 {
			mantissa = "-" + mantissa
		}
		texts = append(texts, mantissa+suffixes[rnd.Intn(len(suffixes))])
	}
	fast := 0
	for _, text := range texts {
		q, err := resource.ParseQuantity(text)
		if err != nil {
			continue
		}
		got, want := quantityFloat(q), decimalFloat(q)
		if got != want {
			t.Errorf("%s: quantityFloat gives %v, its decimal %v", text, got, want)
		}
		if m := q.MilliValue(); resource.NewMilliQuantity(m, q.Format).Cmp(q) == 0 {
			fast++
		}
	}
	if fast < len(texts)/4 {
		t.Errorf("only %d of %d quantities took the fast path", fast, len(texts))
	}
}
