package store

import "strings"

// namesAccount says whether a job's position is, or starts with, an
// account's id (a job over every account, or a bucket keyed by account).
func namesAccount(cursor, id string) bool {
	return cursor == id || strings.HasPrefix(cursor, id+"/")
}

// moveCursor is a job's position once the account id is deleted: an
// unfinished job resumes after prev, the account before it ("" if none),
// so it neither skips an account nor keeps the deleted one's id (keys of
// prev it looks at again are looked at twice, which pruning allows); a
// finished job needs no position. It reports whether the job changed.
func moveCursor(j *Job, id, prev string) bool {
	if !namesAccount(j.Cursor, id) {
		return false
	}
	if j.Finished.IsZero() {
		j.Cursor = prev
	} else {
		j.Cursor = ""
	}
	return true
}
