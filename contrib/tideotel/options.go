package tideotel

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
)

// config is what the options set.
type config struct {
	provider metric.MeterProvider // nil: the global provider
}

// Option configures [Register].
type Option func(*config)

// WithMeterProvider makes Register create the instruments on a meter of mp.
// Without it, or with a nil mp, Register uses the global provider as it is
// when Register is called ([otel.GetMeterProvider]), which forwards to the
// provider set later with otel.SetMeterProvider if none is set yet.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.provider = mp }
}

// newConfig applies opts, nil ones ignored, and fills in the defaults.
func newConfig(opts []Option) config {
	var c config
	for _, opt := range opts {
		if opt != nil {
			opt(&c)
		}
	}
	if c.provider == nil {
		c.provider = otel.GetMeterProvider()
	}
	return c
}
