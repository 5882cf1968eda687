package workspace

// lose records that a layer below the one that set a rendered field
// offered value for it and lost: an Offer appended to the field's Origin,
// after the ones merging recorded (the layers applied after the merge,
// cluster env and cluster template, rank below every merged layer). A
// field with no Origin (the value that won has no place of its own, as an
// env variable given by valueFrom) records nothing.
func (b *build) lose(path string, src Source, value any) {
	o, ok := b.prov[path]
	if !ok {
		return
	}
	o.Lost = append(o.Lost[:len(o.Lost):len(o.Lost)], Offer{Source: src, Value: value})
	b.prov[path] = o
}
