using System.Globalization;
using ClinicalNer.Models;
using ClinicalNer.Evaluation;
using ClinicalNer.Training;
using Microsoft.Data.Sqlite;

namespace ClinicalNer.Runs;

/// <summary>A recorded training run.</summary>
/// <param name="Id">Its id in the store.</param>
/// <param name="Name">Its name (an experiment's runs: EXPERIMENT/CONFIGURATION/seed=S).</param>
/// <param name="Model">The model's display name.</param>
/// <param name="Dataset">What it trained on, in words.</param>
/// <param name="ParametersJson">The model's config JSON.</param>
/// <param name="OptionsJson">The trainer options' JSON.</param>
/// <param name="Started">UTC start time.</param>
/// <param name="Finished">UTC end time, or null while running.</param>
/// <param name="Status">"running", "finished", "early-stopped", "failed", or "interrupted" (its process was killed; a later run
/// of the same name and key went on from its last checkpoint).</param>
/// <param name="Checkpoint">Its best-dev checkpoint folder, if kept.</param>
/// <param name="CodeVersion">The git commit it ran from.</param>
/// <param name="BestDevF1">The best dev F1 of its epochs.</param>
/// <param name="Key">What the run ran (<see cref="RunKey"/>); null for runs recorded before keys were.</param>
public sealed record RunInfo(long Id, string Name, string Model, string Dataset, string ParametersJson, string OptionsJson, string Started,
    string? Finished, string Status, string? Checkpoint, string CodeVersion, double? BestDevF1, string? Key = null)
{
    /// <summary>Whether the run ended with its scores recorded ("finished" or "early-stopped").</summary>
    public bool IsFinished => Status is "finished" or "early-stopped";
}

/// <summary>A final score of a run on a split, for one type or "micro".</summary>
public sealed record RunScore(long RunId, string Split, string Type, double Precision, double Recall, double F1, int Support);

/// <summary>
/// Every training run in one SQLite file: parameters, per-epoch curves, final overall and per-type
/// scores, checkpoint path and code version, queryable from C# so notebooks build comparison tables
/// and sweep plots. Safe to share between runs that happen one after another.
/// </summary>
public sealed class RunStore : IDisposable
{
    private readonly SqliteConnection connection;

    /// <summary>Opens (creating if needed) the store at <paramref name="path"/>.</summary>
    public RunStore(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        DatabasePath = path;
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path }.ToString());
        connection.Open();
        Execute("""
            CREATE TABLE IF NOT EXISTS runs (
              id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, model TEXT NOT NULL, dataset TEXT NOT NULL,
              parameters TEXT NOT NULL, options TEXT NOT NULL, started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL,
              checkpoint TEXT, code_version TEXT NOT NULL, best_dev_f1 REAL);
            CREATE TABLE IF NOT EXISTS epochs (
              run_id INTEGER NOT NULL REFERENCES runs(id), epoch INTEGER NOT NULL, step INTEGER NOT NULL, train_loss REAL NOT NULL,
              dev_precision REAL NOT NULL, dev_recall REAL NOT NULL, dev_f1 REAL NOT NULL, seconds REAL NOT NULL, learning_rate REAL NOT NULL,
              PRIMARY KEY (run_id, epoch));
            CREATE TABLE IF NOT EXISTS scores (
              run_id INTEGER NOT NULL REFERENCES runs(id), split TEXT NOT NULL, type TEXT NOT NULL, precision REAL NOT NULL,
              recall REAL NOT NULL, f1 REAL NOT NULL, support INTEGER NOT NULL, PRIMARY KEY (run_id, split, type));
            CREATE TABLE IF NOT EXISTS metrics (
              run_id INTEGER NOT NULL REFERENCES runs(id), step INTEGER NOT NULL, name TEXT NOT NULL, value REAL NOT NULL);
            """);
        // Stores written before runs had keys gain the column; their runs keep a null key and are never reused.
        using (var columns = Command("SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = 'key'"))
            if ((long)columns.ExecuteScalar()! == 0) Execute("ALTER TABLE runs ADD COLUMN key TEXT");
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Starts a run; returns its id. <paramref name="key"/> says what it runs (<see cref="RunKey"/>).</summary>
    public long StartRun(string name, string model, string dataset, string parametersJson, TrainerOptions options, string? codeVersion = null, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var cmd = Command("""
            INSERT INTO runs (name, model, dataset, parameters, options, started, status, code_version, key)
            VALUES ($name, $model, $dataset, $parameters, $options, $started, 'running', $code, $key); SELECT last_insert_rowid();
            """, ("$name", name), ("$model", model), ("$dataset", dataset), ("$parameters", parametersJson),
            ("$options", System.Text.Json.JsonSerializer.Serialize(options)), ("$started", Now()), ("$code", codeVersion ?? CodeVersion.Current), ("$key", key));
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>The newest finished run named <paramref name="name"/> with key <paramref name="key"/>, or null.</summary>
    public RunInfo? FinishedRun(string name, string key) =>
        Runs(name).FirstOrDefault(r => r.Name == name && r.Key == key && r.IsFinished);

    /// <summary>Records an epoch of a run (replacing a record of the same epoch, as after a resume).</summary>
    public void AddEpoch(long runId, EpochRecord e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var cmd = Command("""
            INSERT OR REPLACE INTO epochs VALUES ($run, $epoch, $step, $loss, $p, $r, $f1, $seconds, $lr);
            UPDATE runs SET best_dev_f1 = MAX(COALESCE(best_dev_f1, 0), $f1) WHERE id = $run;
            """, ("$run", runId), ("$epoch", e.Epoch), ("$step", e.Step), ("$loss", e.TrainLoss), ("$p", e.DevPrecision), ("$r", e.DevRecall),
            ("$f1", e.DevF1), ("$seconds", e.Seconds), ("$lr", e.LearningRate));
        cmd.ExecuteNonQuery();
    }

    /// <summary>Records a named value at a step (e.g. MLM accuracy during pretraining).</summary>
    public void AddMetric(long runId, long step, string name, double value)
    {
        using var cmd = Command("INSERT INTO metrics VALUES ($run, $step, $name, $value)", ("$run", runId), ("$step", step), ("$name", name), ("$value", value));
        cmd.ExecuteNonQuery();
    }

    /// <summary>Records the final scores of a run on a split: micro and each type.</summary>
    public void AddScores(long runId, string split, NerReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (Score s in report.PerType.Append(report.Micro))
        {
            using var cmd = Command("INSERT OR REPLACE INTO scores VALUES ($run, $split, $type, $p, $r, $f1, $support)",
                ("$run", runId), ("$split", split), ("$type", s.Type), ("$p", s.Precision), ("$r", s.Recall), ("$f1", s.F1), ("$support", s.Support));
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Marks a run finished (or failed), with its checkpoint.</summary>
    public void FinishRun(long runId, string status, string? checkpoint)
    {
        using var cmd = Command("UPDATE runs SET finished = $finished, status = $status, checkpoint = $checkpoint WHERE id = $run",
            ("$finished", Now()), ("$status", status), ("$checkpoint", checkpoint), ("$run", runId));
        cmd.ExecuteNonQuery();
    }

    /// <summary>All runs, newest first (optionally only those whose name starts with a prefix).</summary>
    public List<RunInfo> Runs(string? namePrefix = null)
    {
        using var cmd = Command("SELECT id, name, model, dataset, parameters, options, started, finished, status, checkpoint, code_version, best_dev_f1, key FROM runs WHERE substr(name, 1, length($prefix)) = $prefix ORDER BY id DESC",
            ("$prefix", namePrefix ?? ""));
        using var r = cmd.ExecuteReader();
        var runs = new List<RunInfo>();
        while (r.Read())
            runs.Add(new RunInfo(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), r.GetString(10), r.IsDBNull(11) ? null : r.GetDouble(11),
                r.IsDBNull(12) ? null : r.GetString(12)));
        return runs;
    }

    /// <summary>The per-epoch curve of a run.</summary>
    public List<EpochRecord> Curve(long runId)
    {
        using var cmd = Command("SELECT epoch, step, train_loss, dev_precision, dev_recall, dev_f1, seconds, learning_rate FROM epochs WHERE run_id = $run ORDER BY epoch", ("$run", runId));
        using var r = cmd.ExecuteReader();
        var curve = new List<EpochRecord>();
        while (r.Read()) curve.Add(new EpochRecord(r.GetInt32(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetDouble(5), r.GetDouble(6), r.GetDouble(7)));
        return curve;
    }

    /// <summary>The final scores of a run.</summary>
    public List<RunScore> Scores(long runId)
    {
        using var cmd = Command("SELECT run_id, split, type, precision, recall, f1, support FROM scores WHERE run_id = $run ORDER BY split, type", ("$run", runId));
        using var r = cmd.ExecuteReader();
        var scores = new List<RunScore>();
        while (r.Read()) scores.Add(new RunScore(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetDouble(3), r.GetDouble(4), r.GetDouble(5), r.GetInt32(6)));
        return scores;
    }

    /// <summary>The named metric of a run against steps.</summary>
    public List<(long Step, double Value)> Metric(long runId, string name)
    {
        using var cmd = Command("SELECT step, value FROM metrics WHERE run_id = $run AND name = $name ORDER BY step", ("$run", runId), ("$name", name));
        using var r = cmd.ExecuteReader();
        var values = new List<(long, double)>();
        while (r.Read()) values.Add((r.GetInt64(0), r.GetDouble(1)));
        return values;
    }

    /// <summary>
    /// Records a trainer's run: subscribes to its epoch events, and returns the run id. Call
    /// <see cref="FinishRun"/> (and <see cref="AddScores"/>) when <see cref="Trainer.Fit"/> returns.
    /// </summary>
    public long Track(Trainer trainer, INerModel model, string name, string dataset, TrainerOptions options, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(model);
        long id = StartRun(name, model.Kind, dataset, model.ConfigJson, options, key: key);
        trainer.Progress += e =>
        {
            if (e.IsEpochEnd)
                AddEpoch(id, new EpochRecord(e.Epoch, e.Step, e.Loss, e.Dev!.Micro.Precision, e.Dev.Micro.Recall, e.Dev.Micro.F1, e.Seconds, e.LearningRate));
        };
        return id;
    }

    /// <inheritdoc/>
    public void Dispose() => connection.Dispose();

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        return cmd;
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
