package tideprom_test

import (
	"log"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tidego/tide"
	"github.com/tidego/tide/contrib/tideprom"
)

// A collector for one pool, served on /metrics by a registry of its own.
func ExampleCollector() {
	pool, err := tide.New(tide.WithCapacity(64))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Release()

	c := tideprom.NewCollector()
	if err := c.Add("jobs", pool); err != nil {
		log.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
}
