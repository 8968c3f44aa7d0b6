package store

func (t *pgTx) App(id string) (App, error) {
	var a App
	return a, t.doc(&a, "SELECT doc FROM apps WHERE id = $1", id)
}

func (t *pgTx) Apps() ([]App, error) { return docs[App](t, "SELECT doc FROM apps ORDER BY id") }

func (t *pgTx) PutApp(a App) error {
	return t.exec("INSERT INTO apps (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc", a.ID, a)
}

func (t *pgTx) DeleteApp(id string) error { return t.exec("DELETE FROM apps WHERE id = $1", id) }

func (t *pgTx) SigningKeys() ([]SigningKey, error) {
	return docs[SigningKey](t, "SELECT doc FROM signing_keys ORDER BY signs, id")
}

func (t *pgTx) PutSigningKey(k SigningKey) error {
	return t.exec("INSERT INTO signing_keys (id, signs, doc) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET signs = EXCLUDED.signs, doc = EXCLUDED.doc", k.ID, k.Signs, k)
}

func (t *pgTx) DeleteSigningKey(id string) error {
	return t.exec("DELETE FROM signing_keys WHERE id = $1", id)
}
