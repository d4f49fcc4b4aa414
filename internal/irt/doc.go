// Package irt calibrates and scores tests with item response theory and
// classical item analysis: the 1PL/Rasch, 2PL, 3PL and generalized partial
// credit models, marginal maximum likelihood estimation by Bock–Aitkin EM
// with SQUAREM acceleration, EAP/MAP/ML ability estimates, test information,
// the 1–1000 scaled score and item statistics with flags and fit.
//
// The package is purely numeric: it works on a response matrix and imports
// nothing else of certlab, so the store, the CLI and the adaptive engine can
// all use it.
package irt
