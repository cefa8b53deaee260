import FPLabCommandLine

FPLab.main()
