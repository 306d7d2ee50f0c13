//! One line per transaction and per request after goose's report, the figures
//! BENCHMARKS.md quotes (tools/bench/limit.sh reads them):
//!
//! `SUMMARY scenario=checkout transaction=checkout ok=12000 failed=0 per_s=400.0 p50_ms=18.5 p99_ms=60.2`

use goose::metrics::{GooseMetrics, GooseRequestMetricTimingData};

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

fn line(
    kind: &str,
    name: &str,
    ok: usize,
    failed: usize,
    seconds: usize,
    times: &GooseRequestMetricTimingData,
) -> String {
    let per_s = if seconds == 0 { 0.0 } else { ok as f64 / seconds as f64 };
    format!(
        "SUMMARY {kind} ok={ok} failed={failed} seconds={seconds} per_s={per_s:.1} p50_ms={:.2} p99_ms={:.2} max_ms={:.2} name=\"{name}\"",
        ms(times.percentile_us(0.50)),
        ms(times.percentile_us(0.99)),
        ms(times.maximum_time_us),
    )
}

pub fn print(metrics: &GooseMetrics) {
    let seconds = metrics.duration;
    println!("SUMMARY users={} seconds={seconds} hosts={:?}", metrics.maximum_users, metrics.hosts);
    for scenario in &metrics.transactions {
        for t in scenario {
            let name = t.transaction_name.name_for_transaction();
            if t.success_count + t.fail_count == 0 || name == "host" || name == "consumer" {
                continue;
            }
            let kind = format!("scenario={} transaction={}", t.scenario_name, name.replace(' ', "_"));
            println!("{}", line(&kind, name, t.success_count, t.fail_count, seconds, &t.run_times));
        }
    }
    let mut requests: Vec<_> = metrics.requests.iter().collect();
    requests.sort_by(|a, b| a.0.cmp(b.0));
    for (key, r) in requests {
        println!("{}", line("request", key, r.success_count, r.fail_count, seconds, &r.raw_data));
    }
}
