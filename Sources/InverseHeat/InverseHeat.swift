// The inverse-heat lab lives here (see InverseHeat module documentation).
import GridFields
