package store

// MaxConns is how many connections s opens at most (for tests).
func MaxConns(s *Postgres) int32 { return s.pool.Config().MaxConns }
