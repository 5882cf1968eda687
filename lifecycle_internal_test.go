package workspace

import "testing"

// wrapperRoom holds the wrapper of steps whose words need no quoting
// beyond their own quotes, so that writing it never grows its buffer
// (checked against the wrapper written, one and several steps of each
// kind).
func TestWrapperRoomHoldsTheWrapper(t *testing.T) {
	hook := PostStartStep{Hook: "/home/src/scripts/post_start.sh"}
	shell := PostStartStep{Shell: `echo "Hello World"`}
	exec := PostStartStep{Exec: []string{"pip", "install", "-r", "requirements.txt"}}
	for _, tc := range []struct {
		name         string
		requirements []string
		steps        []PostStartStep
	}{
		{"none", nil, nil},
		{"hook", nil, []PostStartStep{hook}},
		{"shell", nil, []PostStartStep{shell}},
		{"exec", nil, []PostStartStep{exec}},
		{"the quickstart's", nil, []PostStartStep{shell, hook}},
		{"requirements and twelve steps", []string{"pip", "install", "-r", "/home/src/requirements.txt"},
			[]PostStartStep{hook, shell, exec, hook, shell, exec, hook, shell, exec, hook, shell, exec}},
	} {
		w := postStartWrapper(tc.requirements, tc.steps, 3)
		if room := wrapperRoom(tc.requirements, tc.steps); len(w) > room {
			t.Errorf("%s: the wrapper is %d bytes, its room %d", tc.name, len(w), room)
		}
	}
}
