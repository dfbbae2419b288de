using System.CommandLine;
using Cli;
using Cli.Commands;

// `lab <command> [options]`: each command is a thin class in Commands/ that declares its options and calls the library.
var verbose = new Option<bool>("--verbose") { Description = "on an error, print the exception and its stack trace", Recursive = true };
var root = new RootCommand("lab: clinical NER in C# (./lab setup and ./lab test are handled by the lab script)")
{
    InfoCommand.Build(), DataCommand.Build(), TrainCommand.Build(), EvalCommand.Build(), PredictCommand.Build(), Word2VecCommand.Build(),
    PretrainCommand.Build(), LanguageModelCommand.Build(), BootstrapCommand.Build(), SweepCommand.Build(), RunNotebookCommand.Build(), DemoCommand.Build(), BenchCommand.Build(),
};
root.Options.Add(verbose);
return TopLevel.Run(root, verbose, args);
