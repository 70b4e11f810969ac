from containersec.cli import run

run()
