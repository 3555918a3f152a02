# Reference figures for zichtbaar's `pvalue` selection and fixed-model fits: SparseMSE's
# stepwisefit (Chan, Silverman & Vincent 2021) and modelfit on every table of shared/data/mse.
#
# Run (R with SparseMSE, Rcapture and lpSolve installed; SparseMSE from its CRAN source):
#   Rscript tests/reference/r/sparsemse_stepwise.R ../shared/data/mse > tests/reference/r/sparsemse_stepwise.json
# zichtbaar never needs R: the JSON this prints is the tests' data.
suppressMessages(library(SparseMSE))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else "../shared/data/mse"
files <- sort(list.files(dir, pattern = "\\.csv$", full.names = TRUE))
q <- function(x) if (length(x)) paste0('"', x, '"') else character(0)
out <- c()
for (f in files) {
  d <- read.csv(f)
  k <- ncol(d) - 1
  if (k < 3) next
  nm <- names(d)[1:k]
  s <- stepwisefit(d, pthresh = 0.02)
  cf <- coef(s$fit)
  terms <- grep(":", names(cf), value = TRUE)
  empty <- colnames(s$emptyoverlaps)
  est <- sum(d[, k + 1]) + exp(cf[1])
  out <- c(out, sprintf(
    '  %s: {"lists": [%s], "observed": %d, "estimate": %.6f, "terms": [%s], "empty_overlap_terms": [%s], "deviance": %.6f, "df": %d}',
    q(sub("\\.csv$", "", basename(f))), paste(q(nm), collapse = ", "), as.integer(sum(d[, k + 1])),
    est, paste(q(terms), collapse = ", "), paste(q(empty), collapse = ", "),
    deviance(s$fit), as.integer(df.residual(s$fit))
  ))
}
cat("{\n", sprintf('  "_source": "SparseMSE %s stepwisefit(pthresh = 0.02) on R %s",\n',
    packageVersion("SparseMSE"), getRversion()), paste(out, collapse = ",\n"), "\n}\n", sep = "")
