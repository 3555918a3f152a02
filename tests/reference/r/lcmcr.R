# Reference figures for zichtbaar's latent-class estimate (`--method lcmcr`): R's LCMCR (Manrique-
# Vallier's Dirichlet-process latent-class model) with the priors zichtbaar uses by default:
# K = 10 classes, alpha ~ Gamma(0.25, 0.25), lambda ~ Beta(1, 1), prior on N proportional to 1/N.
# Every table of shared/data/mse; 16 chains (seeds 1-16) of 10,000 burn-in iterations and
# 10,000 kept draws thinned by 10 (100,000 iterations each), pooled; the per-chain medians are
# and 2.5/97.5 % quantiles are recorded too, so the tests know R's own Monte Carlo spread (on some tables the chains
# stay in one mode for tens of thousands of iterations: their medians disagree).
#
# Run (R with LCMCR installed from its CRAN source, e.g. R CMD INSTALL -l /tmp/r-lib LCMCR):
#   R_LIBS=/tmp/r-lib Rscript tests/reference/r/lcmcr.R ../shared/data/mse > tests/reference/r/lcmcr.json
suppressMessages(library(LCMCR))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else "../shared/data/mse"
files <- sort(list.files(dir, pattern = "\\.csv$", full.names = TRUE))
probs <- c(0.025, 0.1, 0.5, 0.9, 0.975)
out <- c()
for (f in files) {
  d <- read.csv(f)
  k <- ncol(d) - 1
  if (k < 3) next
  tab <- d[d[[k + 1]] > 0, ]
  df <- as.data.frame(lapply(tab[, 1:k], function(x) factor(x, levels = c(0, 1))))
  df$Freq <- tab[[k + 1]]
  draws <- c(); medians <- c(); lows <- c(); highs <- c()
  t0 <- proc.time()[["elapsed"]]
  for (s in 1:16) {
    sink(tempfile())
    o <- lcmCR(df, tabular = TRUE, in_list_label = "1", not_in_list_label = "0", K = 10,
               a_alpha = 0.25, b_alpha = 0.25, seed = s, verbose = FALSE)
    N <- lcmCR_PostSampl(o, burnin = 10000, samples = 10000, thinning = 10, output = FALSE)
    sink()
    draws <- c(draws, N); medians <- c(medians, median(N))
    lows <- c(lows, quantile(N, 0.025, names = FALSE)); highs <- c(highs, quantile(N, 0.975, names = FALSE))
  }
  secs <- (proc.time()[["elapsed"]] - t0) / 16
  qs <- quantile(draws, probs, names = FALSE)
  out <- c(out, sprintf(
    '  "%s": {"lists": %d, "observed": %d, "q025": %.1f, "q10": %.1f, "median": %.1f, "q90": %.1f, "q975": %.1f, "chain_medians": [%s], "chain_q025": [%s], "chain_q975": [%s], "seconds_per_chain": %.2f}',
    sub("\\.csv$", "", basename(f)), k, sum(tab[[k + 1]]), qs[1], qs[2], qs[3], qs[4], qs[5],
    paste(sprintf("%.1f", medians), collapse = ", "), paste(sprintf("%.1f", lows), collapse = ", "),
    paste(sprintf("%.1f", highs), collapse = ", "), secs))
}
cat(sprintf('{\n  "_source": "R %s, LCMCR %s; tests/reference/r/lcmcr.R",\n%s\n}\n',
            paste(R.version$major, R.version$minor, sep = "."), packageVersion("LCMCR"),
            paste(out, collapse = ",\n")))
