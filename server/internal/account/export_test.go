package account

// EndingWaiters is how many session reads wait for a revocation's outcome.
func (s *Service) EndingWaiters() int64 { return s.ending.waiting.Load() }
