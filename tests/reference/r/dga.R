# Reference figures for zichtbaar's model averaging (`--method dga`): R's dga::bma.cr with its
# suggested defaults (delta = 2^-k, prior 1/N, equal model weights) on every 3- to 5-list table
# of shared/data/mse.
#
# Run (R with dga installed from its CRAN source):
#   Rscript tests/reference/r/dga.R ../shared/data/mse > tests/reference/r/dga.json
# The grid of hidden counts is zichtbaar's default (every integer to 2,000, then 2,000
# geometric points; widened x4 from 10 x observed until the upper end stands for < 1e-4 of the
# mass, at most 10,000 x observed), each point standing for the integers up to the next; it is
# recorded, so that both evaluate the posterior on one grid.
suppressMessages(library(dga))
data(graphs3); data(graphs4); data(graphs5)
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else "../shared/data/mse"
files <- sort(list.files(dir, pattern = "\\.csv$", full.names = TRUE))
grid <- function(upper) {
  h <- 0:min(ceiling(upper), 2000)
  if (upper > 2000) { g <- unique(round(exp(seq(log(2000), log(upper), length.out = 2000)))); h <- c(h, g[g > 2000]) }
  h
}
widths <- function(h) { if (length(h) > 1) c(diff(h), h[length(h)] - h[length(h) - 1]) else 1 }
q <- function(x) if (length(x)) paste0('"', x, '"') else character(0)
out <- c()
for (f in files) {
  d <- read.csv(f)
  k <- ncol(d) - 1
  if (k < 3 || k > 5) next
  graphs <- list(graphs3, graphs4, graphs5)[[k - 2]]
  Y <- rep(0, 2^k)
  idx <- as.matrix(d[, 1:k]) %*% (2^(0:(k - 1))) + 1
  for (i in seq_along(idx)) Y[idx[i]] <- Y[idx[i]] + d[i, k + 1]
  Y <- array(Y, dim = rep(2, k))
  n <- sum(Y)
  delta <- 2^-k
  upper <- max(10 * n, 100)
  t0 <- proc.time()[["elapsed"]]
  repeat {
    nm <- grid(upper)
    w <- bma.cr(Y, nm, delta, graphs)  # normalised over the points; widths weigh them below
    dens <- colSums(w)
    wd <- widths(nm)
    bounded <- dens[length(dens)] * nm[length(nm)] / sum(dens * wd) < 1e-4
    if (bounded || upper >= 10000 * max(n, 1)) break
    upper <- min(upper * 4, 10000 * max(n, 1))
  }
  secs <- proc.time()[["elapsed"]] - t0
  w <- w * rep(wd, each = nrow(w))
  w <- w / sum(w)
  mass <- colSums(w)
  cdf <- cumsum(mass)
  qs <- approx(cdf, n + nm, xout = c(0.025, 0.1, 0.5, 0.9, 0.975), ties = "ordered", rule = 2)$y
  mp <- rowSums(w)
  top5 <- order(-mp)[1:5]
  cliques <- sapply(graphs[[top5[1]]]$C, function(cl) paste0("[", paste(q(names(d)[cl]), collapse = ", "), "]"))
  out <- c(out, sprintf(
    '  %s: {"lists": [%s], "observed": %d, "delta": %.10g, "grid_upper": %.6f, "grid_points": %d, "bounded": %s, "quantiles": {"0.025": %.6f, "0.1": %.6f, "0.5": %.6f, "0.9": %.6f, "0.975": %.6f}, "top_model_index": [%s], "top_model_probability": [%s], "top_model_cliques": [%s], "seconds": %.2f}',
    q(sub("\\.csv$", "", basename(f))), paste(q(names(d)[1:k]), collapse = ", "), as.integer(n),
    delta, max(nm), length(nm), tolower(bounded), qs[1], qs[2], qs[3], qs[4], qs[5],
    paste(top5 - 1, collapse = ", "), paste(sprintf("%.8f", mp[top5]), collapse = ", "), paste(cliques, collapse = ", "), secs
  ))
}
cat("{\n", sprintf('  "_source": "dga %s bma.cr (delta = 2^-k, prior 1/N) on R %s",\n',
    packageVersion("dga"), getRversion()), paste(out, collapse = ",\n"), "\n}\n", sep = "")
