from brief.cli.app import main

main()
