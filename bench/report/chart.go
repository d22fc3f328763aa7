package report

import (
	"fmt"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Chart size: wide enough for ten contender names side by side.
const (
	chartWidth  = 10 * vg.Inch
	chartHeight = 5 * vg.Inch
)

// Series is one named row of values, one per category or point.
type Series struct {
	Name   string
	Values []float64
}

// Bars is a grouped bar chart: a group per category, a bar per series.
type Bars struct {
	Title, YLabel string
	Categories    []string
	Series        []Series
}

// WriteSVG draws the chart as SVG to w.
func (c Bars) WriteSVG(w io.Writer) error {
	p := newPlot(c.Title, "", c.YLabel)
	// Each group takes three quarters of its share of the plot's width.
	group := 0.75 * float64(chartWidth-vg.Inch) / float64(max(1, len(c.Categories)))
	width := vg.Length(group / float64(max(1, len(c.Series))))
	for i, s := range c.Series {
		if len(s.Values) != len(c.Categories) {
			return fmt.Errorf("series %q has %d values for %d categories", s.Name, len(s.Values), len(c.Categories))
		}
		bars, err := plotter.NewBarChart(plotter.Values(s.Values), width)
		if err != nil {
			return fmt.Errorf("series %q: %w", s.Name, err)
		}
		bars.Color = plotutil.Color(i)
		bars.LineStyle.Width = 0
		bars.Offset = width * vg.Length(float64(i)-float64(len(c.Series)-1)/2)
		p.Add(bars)
		if len(c.Series) > 1 {
			p.Legend.Add(s.Name, bars)
		}
	}
	p.NominalX(c.Categories...)
	p.Legend.Top = true
	p.Y.Max = headroom(c.Series, 0.2)
	return write(p, w)
}

// Lines is a line chart: one curve per series over shared x values.
type Lines struct {
	Title, XLabel, YLabel string
	X                     []float64
	Series                []Series
}

// WriteSVG draws the chart as SVG to w; curves past the palette's colours
// are told apart by dashes.
func (c Lines) WriteSVG(w io.Writer) error {
	p := newPlot(c.Title, c.XLabel, c.YLabel)
	for i, s := range c.Series {
		if len(s.Values) != len(c.X) {
			return fmt.Errorf("series %q has %d values for %d x values", s.Name, len(s.Values), len(c.X))
		}
		pts := make(plotter.XYs, len(c.X))
		for j := range c.X {
			pts[j] = plotter.XY{X: c.X[j], Y: s.Values[j]}
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return fmt.Errorf("series %q: %w", s.Name, err)
		}
		line.Color, points.Color = plotutil.Color(i), plotutil.Color(i)
		line.Dashes = plotutil.Dashes(i / len(plotutil.DefaultColors))
		points.Shape = plotutil.Shape(i)
		p.Add(line, points)
		p.Legend.Add(s.Name, line, points)
	}
	p.Legend.Top = true
	p.Y.Max = headroom(c.Series, 0.1*float64(len(c.Series)))
	if n := len(c.X); n > 0 {
		p.X.Max = c.X[n-1] * 1.05
	}
	return write(p, w)
}

// headroom returns the top of the y axis: the highest value plus a share of
// it, left free for the legend.
func headroom(series []Series, share float64) float64 {
	top := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			top = max(top, v)
		}
	}
	if top == 0 {
		return 1
	}
	return top * (1 + share)
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Y.Min = 0
	p.Legend.XOffs = -vg.Points(12)
	p.Legend.Padding = vg.Points(2)
	p.Add(plotter.NewGrid())
	return p
}

func write(p *plot.Plot, w io.Writer) error {
	to, err := p.WriterTo(chartWidth, chartHeight, "svg")
	if err != nil {
		return err
	}
	_, err = to.WriteTo(w)
	return err
}
