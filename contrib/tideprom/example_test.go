package tideprom_test

import (
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tidego/tide"
	"github.com/tidego/tide/contrib/tideprom"
)

// One collector per pool, served on /metrics by a registry of its own.
func ExampleNewCollector() {
	jobs, err := tide.New(tide.WithCapacity(64))
	if err != nil {
		log.Fatal(err)
	}
	defer jobs.Release()
	mail, err := tide.New(tide.WithCapacity(4))
	if err != nil {
		log.Fatal(err)
	}
	defer mail.Release()

	reg := prometheus.NewRegistry()
	reg.MustRegister(
		tideprom.NewCollector(jobs, "jobs"),
		tideprom.NewCollector(mail, "mail"),
	)
	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))

	// What a scrape would show of the capacities.
	capacity := `
# HELP tide_capacity Maximum number of live workers; +Inf when the capacity is unlimited.
# TYPE tide_capacity gauge
tide_capacity{pool="jobs"} 64
tide_capacity{pool="mail"} 4
`
	fmt.Println(testutil.GatherAndCompare(reg, strings.NewReader(capacity), "tide_capacity"))
	// Output:
	// <nil>
}
