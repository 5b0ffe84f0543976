# Reference values for the forecasting methods of src/forecasts/models, from
# R's `forecast` package (Hyndman), on a public series: the daily net sales of
# the UCI Online Retail data set (2011-01-04 to 2011-12-09, the days it
# traded; it never traded on Saturdays), as a season of 6 trading days and,
# for the weekly code path, of 7.
#
#   Rscript scripts/reference/forecast.R /work/shared/data/online-retail.csv.gz \
#     > test/fixtures/forecasts/r-forecast.json
#
# Needs r-base-core and r-cran-forecast (Debian). The tests read the JSON; they
# never run R.
suppressMessages(library(forecast))

args <- commandArgs(trailingOnly = TRUE)
retail <- read.csv(gzfile(args[1]), colClasses = c(InvoiceNo = "character", StockCode = "character", CustomerID = "character"))
retail$day <- substr(retail$InvoiceDate, 1, 10)
retail$amount <- retail$Quantity * retail$UnitPrice
daily <- aggregate(amount ~ day, data = retail, FUN = sum)
daily <- daily[daily$day >= "2011-01-04", ]
values <- round(daily$amount, 2)
h <- 14

json_num <- function(x) paste0("[", paste(sprintf("%.10g", as.numeric(x)), collapse = ","), "]")
json_obj <- function(...) {
  fields <- list(...)
  paste0("{", paste(sprintf("\"%s\":%s", names(fields), unlist(fields)), collapse = ","), "}")
}
intervals <- function(fc) json_obj(
  mean = json_num(fc$mean),
  lower80 = json_num(fc$lower[, 1]), upper80 = json_num(fc$upper[, 1]),
  lower95 = json_num(fc$lower[, 2]), upper95 = json_num(fc$upper[, 2])
)

reference <- function(m) {
  y <- ts(values, frequency = m)
  naive <- snaive(y, h = h)

  fit <- ets(y, model = "AAA", damped = TRUE)
  ets_fc <- forecast(fit, h = h)
  states <- fit$states

  figure <- decompose(y, type = "multiplicative")$figure
  theta <- thetaf(y, h = h)
  # thetaf's own test and the SES it fits on the seasonally adjusted series.
  r <- as.numeric(acf(y, lag.max = m, plot = FALSE)$acf)[-1]
  seasonal <- abs(r[m]) / sqrt((1 + 2 * sum(r[-m]^2)) / length(y)) > qnorm(0.95)
  x <- if (seasonal) seasadj(decompose(y, type = "multiplicative")) else y
  ses_fit <- ses(x, h = h)$model

  json_obj(
    period = m,
    seasonalNaive = intervals(naive),
    ets = json_obj(
      alpha = fit$par["alpha"], beta = fit$par["beta"], gamma = fit$par["gamma"], phi = fit$par["phi"],
      initialLevel = states[1, "l"], initialTrend = states[1, "b"],
      initialSeason = json_num(states[1, paste0("s", 1:m)]),
      finalLevel = states[nrow(states), "l"], finalTrend = states[nrow(states), "b"],
      finalSeason = json_num(states[nrow(states), paste0("s", 1:m)]),
      logLik = fit$loglik, sigma2 = fit$sigma2,
      residuals = json_num(residuals(fit)),
      forecast = intervals(ets_fc)
    ),
    theta = json_obj(
      seasonal = tolower(as.character(seasonal)),
      figure = json_num(figure),
      alpha = ses_fit$par["alpha"], level0 = ses_fit$par["l"],
      forecast = intervals(theta)
    )
  )
}

cat(json_obj(
  source = "\"UCI Online Retail, daily net sales 2011-01-04..2011-12-09 on trading days; R forecast package\"",
  rVersion = paste0("\"", R.version.string, "\""),
  forecastVersion = paste0("\"", as.character(packageVersion("forecast")), "\""),
  horizon = h,
  values = json_num(values),
  periods = paste0("[", reference(6), ",", reference(7), "]")
), "\n")
