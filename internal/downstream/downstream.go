// Package downstream simulates a service that a pool's tasks call: it serves
// at most N calls at once, each for a fixed service time, and queues the
// rest in arrival order. The adaptive-capacity tests run it in virtual time
// (testing/synctest), bench's downstream workload in real time. It is
// internal to github.com/tidego/tide.
package downstream

import (
	"sync"
	"time"
)

// Service is a simulated downstream. Its zero value is not usable; make it
// with New. It is safe for concurrent use.
type Service struct {
	mu      sync.Mutex
	slots   int             // guarded by mu; calls served at once
	service time.Duration   // guarded by mu; how long each call is served
	busy    int             // guarded by mu; calls being served
	queue   []chan struct{} // guarded by mu; calls waiting for a slot, oldest first
}

// New returns a service with slots concurrent slots and the given service
// time. slots must be at least 1.
func New(slots int, service time.Duration) *Service {
	if slots < 1 {
		panic("downstream: slots must be at least 1")
	}
	return &Service{slots: slots, service: service}
}

// Call waits for a slot, in arrival order, holds it for the service time
// and returns.
func (s *Service) Call() {
	s.mu.Lock()
	if s.busy < s.slots {
		s.busy++
		d := s.service
		s.mu.Unlock()
		s.serve(d)
		return
	}
	turn := make(chan struct{})
	s.queue = append(s.queue, turn)
	s.mu.Unlock()
	<-turn // release handed its slot over
	s.mu.Lock()
	d := s.service
	s.mu.Unlock()
	s.serve(d)
}

// serve holds a slot for d, then frees it or hands it to the oldest waiter.
func (s *Service) serve(d time.Duration) {
	time.Sleep(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy--
	s.handLocked()
}

// handLocked gives free slots to waiting calls, oldest first.
// Caller holds s.mu.
func (s *Service) handLocked() {
	for s.busy < s.slots && len(s.queue) > 0 {
		s.busy++
		close(s.queue[0])
		s.queue[0] = nil
		s.queue = s.queue[1:]
	}
}

// SetSlots changes how many calls are served at once. Calls being served
// finish; a fall takes effect as they do.
func (s *Service) SetSlots(n int) {
	if n < 1 {
		panic("downstream: slots must be at least 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slots = n
	s.handLocked()
}

// SetService changes the service time of the calls that get a slot from now on.
func (s *Service) SetService(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.service = d
}

// Slots returns how many calls are served at once.
func (s *Service) Slots() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.slots
}
