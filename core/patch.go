package core

import (
	"encoding/json"
	"errors"
	"fmt"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/wire"
)

// errPatch says a view patch could not be applied to the view held: the
// client asks for the whole view instead.
var errPatch = errors.New("the view patch does not fit the view held")

// patchView applies an RFC 6902 patch to base, the view as the server
// sent it, and checks the result against the server's digest of it.
func patchView(base model.View, patch json.RawMessage, hash string) (json.RawMessage, error) {
	base = base.Clone() // normalized, as the server encodes it
	doc, err := json.Marshal(base)
	if err != nil {
		return nil, err
	}
	p, err := jsonpatch.DecodePatch(patch)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errPatch, err)
	}
	out, err := p.Apply(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errPatch, err)
	}
	// The digest is of the view as the server encodes it, which is how
	// this client encodes what it decodes.
	var v model.View
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("%w: %v", errPatch, err)
	}
	v.Normalize()
	if canon, err := json.Marshal(v); err != nil || wire.ViewHash(canon) != hash {
		return nil, fmt.Errorf("%w: the result differs from the server's view", errPatch)
	}
	return out, nil
}
